//! What the real SDK and our `AwsIam` adapter return when IAM's answers go wrong: through the fault proxy
//! that `scripts/test.sh` starts in front of moto (`scripts/fault_proxy.py`, docs/FAULTS.md). Above all
//! "applied, answer lost": the call took effect, its answer did not arrive, the SDK retried, and the
//! retry met the effect of the first attempt. These tests pin down what the app then gets; what it should
//! do with that (reconcile from IAM's state, DESIGN.md 5b) is tested where the app is.
//!
//! Each test opens its own faulty endpoint on the proxy, so they run in parallel on one moto, and checks
//! moto's state with a clean client that goes to moto directly. The clients have the SDK's standard
//! retries (3 attempts), as the app's do, with a shorter backoff (`TEST_INITIAL_BACKOFF`); the last test
//! runs the binary, with the app's own timeouts and retries.

mod support;

use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use crossterm::event::KeyCode;
use iam_mfa::app::users::UsersState;
use iam_mfa::app::{Effect, Msg, Response, Screen, key};
use iam_mfa::clock::ManualClock;
use iam_mfa::headless::{FIXED_NOW, Headless};
use iam_mfa::iam::aws::AwsIam;
use iam_mfa::iam::{AssignmentFilter, Iam, IamError, IamResult, NewVirtualDevice};
use iam_mfa::runtime::executor;
use support::fault_proxy::{
    APP_CONNECT_TIMEOUT, Fault, FaultProxy, FaultyEndpoint, Rule, app_timeouts,
};
use support::moto::{self, ACCOUNT_ID};
use tokio::sync::mpsc;

const CREATE: &str = "CreateVirtualMFADevice";
const ENABLE: &str = "EnableMFADevice";
const DEACTIVATE: &str = "DeactivateMFADevice";
const DELETE: &str = "DeleteVirtualMFADevice";

fn faulty(name: &str) -> FaultyEndpoint {
    FaultProxy::from_env().endpoint(name)
}

fn new_device(name: &str) -> NewVirtualDevice {
    NewVirtualDevice {
        name: name.to_string(),
        path: None,
        tags: vec![],
    }
}

fn serial_of(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:mfa/{name}")
}

/// moto's virtual devices, read straight from moto.
async fn on_moto(filter: AssignmentFilter) -> Vec<String> {
    moto::aws_iam()
        .list_virtual_mfa_devices(filter)
        .await
        .expect("list virtual devices on moto")
        .into_iter()
        .map(|device| device.serial)
        .collect()
}

/// The serials moto holds for `user`, read straight from moto.
async fn assigned_on_moto(user: &str) -> Vec<String> {
    moto::aws_iam()
        .list_mfa_devices(user)
        .await
        .expect("list the user's devices on moto")
        .into_iter()
        .map(|device| device.serial)
        .collect()
}

/// A fresh user and an unassigned virtual device on moto, made without the proxy: (user, serial).
async fn user_and_device(prefix: &str) -> (String, String) {
    let user = moto::create_user(prefix).await;
    let created = moto::aws_iam()
        .create_virtual_mfa_device(&new_device(&moto::unique_name(prefix)))
        .await
        .expect("create on moto");
    (user, created.serial)
}

/// As [`user_and_device`], with the device enabled for the user.
async fn enrolled(prefix: &str) -> (String, String) {
    let (user, serial) = user_and_device(prefix).await;
    moto::aws_iam()
        .enable_mfa_device(&user, &serial, "123456", "654321")
        .await
        .expect("enable on moto");
    (user, serial)
}

/// Every attempt the endpoint saw for `action` belongs to one SDK call, numbered 1, 2, ...
fn assert_one_call_of_attempts(endpoint: &FaultyEndpoint, action: &str, attempts: u32) {
    let seen = endpoint.seen(action);
    let numbers: Vec<Option<u32>> = seen.iter().map(|seen| seen.attempt).collect();
    let expected: Vec<Option<u32>> = (1..=attempts).map(Some).collect();
    assert_eq!(numbers, expected, "{seen:#?}");
    assert!(
        seen.iter().all(|s| s.invocation == seen[0].invocation),
        "one SDK invocation: {seen:#?}"
    );
}

/// Our adapter on `endpoint` with the app's retries and a short attempt timeout (the app's is 10 s).
fn impatient_iam(endpoint: &FaultyEndpoint, attempt: Duration, call: Duration) -> AwsIam {
    AwsIam::from_sdk_config(
        &endpoint.sdk_config(
            TimeoutConfig::builder()
                .connect_timeout(APP_CONNECT_TIMEOUT)
                .operation_attempt_timeout(attempt)
                .operation_timeout(call)
                .build(),
        ),
    )
}

/// A call's duration is in `[low, high)`: `high` leaves room for the backoff and a busy machine.
fn assert_took(took: Duration, low: Duration, high: Duration) {
    assert!(
        took >= low && took < high,
        "took {took:?}, expected {low:?} to {high:?}"
    );
}

// ---- CreateVirtualMFADevice ----

async fn create_through(fault: Fault) -> (FaultyEndpoint, String, IamResult<String>) {
    let endpoint = faulty(&format!("create-{}", fault.name()));
    endpoint.fail(CREATE, fault, 1);
    let name = moto::unique_name("lost-create");
    let result = endpoint
        .aws_iam()
        .create_virtual_mfa_device(&new_device(&name))
        .await
        .map(|created| created.serial);
    (endpoint, serial_of(&name), result)
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_create_whose_answer_is_lost_comes_back_as_entity_already_exists() {
    for fault in [Fault::ApplyThen500, Fault::ApplyThenDrop] {
        let (endpoint, serial, result) = create_through(fault).await;
        assert!(
            matches!(result, Err(IamError::EntityAlreadyExists(_))),
            "{fault:?}: {result:?}"
        );
        // moto holds the device, unassigned, and nobody has its seed.
        assert!(
            on_moto(AssignmentFilter::Unassigned)
                .await
                .contains(&serial),
            "{fault:?}: {serial} not on moto"
        );
        assert_eq!(endpoint.modes(CREATE), [fault.name(), "forward"]);
        assert_one_call_of_attempts(&endpoint, CREATE, 2);
        let retry = &endpoint.seen(CREATE)[1];
        assert_eq!(
            (retry.moto_status, retry.status),
            (Some(409), Some(409)),
            "{retry:?}"
        );
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_create_dropped_or_failed_before_moto_is_retried_and_succeeds() {
    for fault in [Fault::Drop, Fault::Error500] {
        let endpoint = faulty("create-retried");
        endpoint.fail(CREATE, fault, 2);
        let name = moto::unique_name("retried-create");
        let created = endpoint
            .aws_iam()
            .create_virtual_mfa_device(&new_device(&name))
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        assert_eq!(created.serial, serial_of(&name));
        assert_eq!(
            endpoint.modes(CREATE),
            [fault.name(), fault.name(), "forward"]
        );
        assert_one_call_of_attempts(&endpoint, CREATE, 3);
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_create_failing_every_attempt_is_service_failure_and_creates_nothing() {
    let endpoint = faulty("create-500-always");
    endpoint.fail(CREATE, Fault::Error500, 3);
    let name = moto::unique_name("failed-create");
    let result = endpoint
        .aws_iam()
        .create_virtual_mfa_device(&new_device(&name))
        .await;
    assert!(
        matches!(&result, Err(IamError::ServiceFailure(message)) if message.contains("unknown error")),
        "{result:?}"
    );
    assert_one_call_of_attempts(&endpoint, CREATE, 3);
    assert!(
        !on_moto(AssignmentFilter::Any)
            .await
            .contains(&serial_of(&name))
    );
}

// ---- EnableMFADevice ----

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn an_enable_whose_answer_is_lost_comes_back_as_entity_already_exists() {
    for fault in [Fault::ApplyThenDrop, Fault::ApplyThen500] {
        let (user, serial) = user_and_device("lost-enable").await;
        let endpoint = faulty(&format!("enable-{}", fault.name()));
        endpoint.fail(ENABLE, fault, 1);
        let result = endpoint
            .aws_iam()
            .enable_mfa_device(&user, &serial, "123456", "654321")
            .await;
        assert!(
            matches!(result, Err(IamError::EntityAlreadyExists(_))),
            "{fault:?}: {result:?}"
        );
        // The device is active for the user: deleting it now would delete an active device.
        assert_eq!(
            assigned_on_moto(&user).await,
            std::slice::from_ref(&serial),
            "{fault:?}"
        );
        assert_eq!(endpoint.modes(ENABLE), [fault.name(), "forward"]);
        assert_one_call_of_attempts(&endpoint, ENABLE, 2);
        // The codes never reach the proxy's log.
        let params = &endpoint.seen(ENABLE)[0].params;
        assert_eq!(params["AuthenticationCode1"], "***", "{params:?}");
        assert_eq!(params["SerialNumber"], serial);
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn an_enable_that_times_out_after_taking_effect_comes_back_as_entity_already_exists() {
    // Issue 8's "10 s attempt timeout on a slow Enable", with a 1 s attempt timeout.
    let (user, serial) = user_and_device("slow-enable").await;
    let endpoint = faulty("enable-apply-then-hang");
    endpoint.fail(ENABLE, Fault::ApplyThenHang, 1);
    let started = Instant::now();
    let result = impatient_iam(&endpoint, Duration::from_secs(1), Duration::from_secs(10))
        .enable_mfa_device(&user, &serial, "123456", "654321")
        .await;
    let took = started.elapsed();
    assert!(
        matches!(result, Err(IamError::EntityAlreadyExists(_))),
        "{result:?}"
    );
    assert_eq!(assigned_on_moto(&user).await, [serial]);
    assert_eq!(endpoint.modes(ENABLE), ["apply-then-hang", "forward"]);
    assert!(
        endpoint.seen(ENABLE)[0]
            .outcome
            .starts_with("client closed"),
        "the SDK gave up on the attempt: {:?}",
        endpoint.seen(ENABLE)[0]
    );
    assert_took(took, Duration::from_secs(1), Duration::from_secs(4));
    eprintln!("Enable, apply-then-hang, 1 s attempt timeout: answered after {took:?}");
}

// ---- DeactivateMFADevice and DeleteVirtualMFADevice ----

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_deactivate_whose_answer_is_lost_comes_back_as_no_such_entity() {
    for fault in [Fault::ApplyThen500, Fault::ApplyThenDrop] {
        let (user, serial) = enrolled("lost-deactivate").await;
        let endpoint = faulty(&format!("deactivate-{}", fault.name()));
        endpoint.fail(DEACTIVATE, fault, 1);
        let result = endpoint
            .aws_iam()
            .deactivate_mfa_device(&user, &serial)
            .await;
        assert!(
            matches!(result, Err(IamError::NoSuchEntity(_))),
            "{fault:?}: {result:?}"
        );
        // Deactivated: the user has no device, the virtual device is still there, unassigned.
        assert_eq!(assigned_on_moto(&user).await, Vec::<String>::new());
        assert!(
            on_moto(AssignmentFilter::Unassigned)
                .await
                .contains(&serial)
        );
        assert_eq!(endpoint.modes(DEACTIVATE), [fault.name(), "forward"]);
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_delete_whose_answer_is_lost_comes_back_as_no_such_entity() {
    for fault in [Fault::ApplyThen500, Fault::ApplyThenDrop] {
        let (_, serial) = user_and_device("lost-delete").await;
        let endpoint = faulty(&format!("delete-{}", fault.name()));
        endpoint.fail(DELETE, fault, 1);
        let result = endpoint.aws_iam().delete_virtual_mfa_device(&serial).await;
        assert!(
            matches!(result, Err(IamError::NoSuchEntity(_))),
            "{fault:?}: {result:?}"
        );
        assert!(!on_moto(AssignmentFilter::Any).await.contains(&serial));
        assert_eq!(endpoint.modes(DELETE), [fault.name(), "forward"]);
        assert_one_call_of_attempts(&endpoint, DELETE, 2);
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_fault_on_one_serial_leaves_the_others_alone() {
    // A sweep deletes several devices; a rule with a form-field match hits one of them.
    let (_, first) = user_and_device("sweep").await;
    let (_, second) = user_and_device("sweep").await;
    let endpoint = faulty("delete-one-serial");
    endpoint.add(
        Rule::new(DELETE, Fault::Error500)
            .times(3)
            .matching("SerialNumber", &second),
    );
    let iam = endpoint.aws_iam();
    assert_eq!(iam.delete_virtual_mfa_device(&first).await, Ok(()));
    let failed = iam.delete_virtual_mfa_device(&second).await;
    assert!(
        matches!(failed, Err(IamError::ServiceFailure(_))),
        "{failed:?}"
    );
    let any = on_moto(AssignmentFilter::Any).await;
    assert!(!any.contains(&first) && any.contains(&second));
}

// ---- Throttling ----

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn throttled_twice_the_sdk_retry_succeeds() {
    let endpoint = faulty("throttle-twice");
    endpoint.fail("ListVirtualMFADevices", Fault::Throttle, 2);
    let listed = endpoint
        .aws_iam()
        .list_virtual_mfa_devices(AssignmentFilter::Any)
        .await;
    assert!(listed.is_ok(), "{listed:?}");
    assert_eq!(
        endpoint.modes("ListVirtualMFADevices"),
        ["throttle", "throttle", "forward"]
    );
    assert_one_call_of_attempts(&endpoint, "ListVirtualMFADevices", 3);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn throttled_on_every_attempt_is_throttled() {
    let endpoint = faulty("throttle-always");
    endpoint.fail("ListUsers", Fault::Throttle, 3);
    let result = endpoint.aws_iam().list_users().await;
    assert!(
        matches!(&result, Err(IamError::Throttled(message)) if message.contains("Rate exceeded")),
        "{result:?}"
    );
    assert_one_call_of_attempts(&endpoint, "ListUsers", 3);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_share_of_throttling_with_a_seed_repeats() {
    // Two endpoints, the same rule and seed: the same decisions, call by call (the SDK's retries off, so
    // each call is one request).
    let modes = |endpoint: &FaultyEndpoint| endpoint.modes("GetCallerIdentity");
    let mut runs = Vec::new();
    for run in 0..2 {
        let endpoint = faulty(&format!("share-{run}"));
        endpoint.add(Rule::new("GetCallerIdentity", Fault::Throttle).share(0.5, 7));
        let config = endpoint
            .sdk_config(app_timeouts())
            .to_builder()
            .retry_config(RetryConfig::disabled())
            .build();
        let iam = AwsIam::from_sdk_config(&config);
        let mut throttled = 0;
        for _ in 0..20 {
            match iam.caller_identity().await {
                Ok(_) => {}
                Err(IamError::Throttled(_)) => throttled += 1,
                Err(other) => panic!("{other:?}"),
            }
        }
        assert!((1..20).contains(&throttled), "{throttled} of 20 throttled");
        assert_eq!(
            modes(&endpoint).iter().filter(|m| *m == "throttle").count(),
            throttled
        );
        runs.push(modes(&endpoint));
    }
    assert_eq!(runs[0], runs[1]);
}

// ---- The Users screen under throttling ----

/// `count` new users on moto (made without the proxy, a few at a time).
async fn many_users(prefix: &str, count: usize) -> Vec<String> {
    let mut made = Vec::new();
    for _ in 0..count.div_ceil(25) {
        let batch = (made.len()..count.min(made.len() + 25)).map(|_| moto::create_user(prefix));
        made.extend(futures::future::join_all(batch).await);
    }
    made
}

/// The app on `iam` at the home screen (its start-up calls answered).
async fn app_on(iam: AwsIam) -> Headless {
    let clock = ManualClock::at(FIXED_NOW);
    Headless::new(Arc::new(iam), clock, false, 120, 40).await
}

/// Sends `msg` to the app and carries out the calls that follow as the terminal runtime does, each on a
/// task of its own, until none is out.
async fn drive_concurrently(h: &mut Headless, msg: Msg) {
    let (tx, mut answers) = mpsc::unbounded_channel();
    let mut out = 0usize;
    let mut effects = h.app.update(msg);
    loop {
        for effect in effects.drain(..) {
            if let Effect::Call { ticket, request } = effect {
                let (iam, tx) = (h.iam.clone(), tx.clone());
                out += 1;
                tokio::spawn(async move {
                    let result = executor::execute(iam.as_ref(), request).await;
                    let _ = tx.send(Msg::Response(ticket, Response::Iam(result)));
                });
            }
        }
        if out == 0 {
            return;
        }
        let answer = tokio::time::timeout(Duration::from_secs(120), answers.recv());
        let msg = answer.await.expect("an answer within 2 min").expect("open");
        out -= 1;
        effects = h.app.update(msg);
    }
}

fn users_state(h: &Headless) -> &UsersState {
    match h.app.screen() {
        Screen::Users(state) => state,
        other => panic!("not the Users screen: {other:?}"),
    }
}

/// The rows of `names` whose MFA column is not filled, with what they show.
fn unfilled<'a>(state: &'a UsersState, names: &[String]) -> Vec<(&'a str, String)> {
    let rows = state.rows.loaded().expect("the users are listed");
    rows.iter()
        .filter(|row| names.contains(&row.user.name) && row.mfa.total().is_none())
        .map(|row| (row.user.name.as_str(), row.mfa.kinds_text()))
        .collect()
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn the_users_screen_fills_with_a_share_of_its_listings_throttled() {
    let names = many_users("throttled-screen", 300).await;
    let endpoint = faulty("users-throttled");
    endpoint.add(Rule::new("ListMFADevices", Fault::Throttle).share(0.3, 11));
    let mut h = app_on(endpoint.aws_iam()).await;
    drive_concurrently(&mut h, Msg::Key(key(KeyCode::Char('u')))).await;

    let state = users_state(&h);
    assert_eq!(unfilled(state, &names), [], "every row filled");
    assert_eq!(state.details_failed, 0);
    assert_eq!(state.details_done, state.details_needed);
    let modes = endpoint.modes("ListMFADevices");
    let throttled = modes.iter().filter(|m| *m == "throttle").count();
    assert!(
        throttled * 5 > modes.len(),
        "about 30 % of {} requests throttled, not {throttled}",
        modes.len()
    );
    let text = h.screen_text();
    assert!(!text.contains("could not"), "{text}");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn rows_failing_on_every_attempt_are_marked_and_r_fills_them_after_the_fault_clears() {
    let names = many_users("failing-rows", 40).await;
    let endpoint = faulty("users-failing");
    let broken = [&names[3], &names[17]];
    for user in broken {
        let rule = Rule::new("ListMFADevices", Fault::Error500).share(1.0, 0);
        endpoint.add(rule.matching("UserName", user));
    }
    endpoint.add(Rule::new("ListMFADevices", Fault::Throttle).share(0.2, 5));
    let mut h = app_on(endpoint.aws_iam()).await;
    drive_concurrently(&mut h, Msg::Key(key(KeyCode::Char('u')))).await;

    let state = users_state(&h);
    // In the screen's order (by name), whatever order the users were made in.
    let mut marked = unfilled(state, &names);
    marked.sort();
    let mut expected: Vec<(&str, String)> = broken
        .iter()
        .map(|user| (user.as_str(), "could not load: ServiceFailure".to_string()))
        .collect();
    expected.sort();
    assert_eq!(marked, expected);
    assert_eq!(state.details_failed, 2, "only those rows");
    let text = h.screen_text();
    assert!(text.contains("2 could not be read (r retries)"), "{text}");

    endpoint.reset();
    drive_concurrently(&mut h, Msg::Key(key(KeyCode::Char('r')))).await;
    let state = users_state(&h);
    assert_eq!(unfilled(state, &names), []);
    assert_eq!(state.details_failed, 0);
    let asked: Vec<String> = endpoint
        .log()
        .into_iter()
        .filter_map(|seen| seen.action)
        .collect();
    assert_eq!(
        asked,
        ["ListMFADevices", "ListMFADevices"],
        "the two rows alone"
    );
}

// ---- Hangs and timeouts ----

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_hang_ends_in_the_attempt_timeout_and_the_retry_succeeds() {
    let endpoint = faulty("hang-once");
    endpoint.fail("ListUsers", Fault::Hang, 1);
    let started = Instant::now();
    let users = impatient_iam(&endpoint, Duration::from_secs(1), Duration::from_secs(10))
        .list_users()
        .await;
    let took = started.elapsed();
    assert!(users.is_ok(), "{users:?}");
    assert_eq!(endpoint.modes("ListUsers"), ["hang", "forward"]);
    assert_took(took, Duration::from_secs(1), Duration::from_secs(4));
    eprintln!("ListUsers, hang once, 1 s attempt timeout: answered after {took:?}");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_hang_on_every_attempt_is_a_network_error_when_the_call_times_out() {
    let endpoint = faulty("hang-always");
    endpoint.fail("ListUsers", Fault::Hang, 10);
    let started = Instant::now();
    let result = impatient_iam(
        &endpoint,
        Duration::from_secs(1),
        Duration::from_millis(2500),
    )
    .list_users()
    .await;
    let took = started.elapsed();
    assert!(
        matches!(&result, Err(IamError::Network(message)) if message.contains("did not answer in time")
            && message.contains(&endpoint.url)),
        "{result:?}"
    );
    assert_took(took, Duration::from_millis(2500), Duration::from_secs(4));
    assert!(
        endpoint
            .modes("ListUsers")
            .iter()
            .all(|mode| mode == "hang")
    );
    eprintln!(
        "ListUsers, hang always, 1 s attempts in a 2.5 s call: {} attempts, failed after {took:?}",
        endpoint.seen("ListUsers").len()
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_hang_shorter_than_the_attempt_timeout_is_a_dropped_connection() {
    // With the app's own timeouts (10 s per attempt) a hang held for 1 s ends as a drop, and is retried.
    let endpoint = faulty("hang-short");
    endpoint.add(Rule::new("ListUsers", Fault::Hang).hold(Duration::from_secs(1)));
    let started = Instant::now();
    let users = endpoint.aws_iam().list_users().await;
    assert!(users.is_ok(), "{users:?}");
    assert_took(
        started.elapsed(),
        Duration::from_secs(1),
        Duration::from_secs(4),
    );
    assert_eq!(endpoint.modes("ListUsers"), ["hang", "forward"]);
    assert!(
        endpoint.seen("ListUsers")[0].outcome.starts_with("held 1s"),
        "{:?}",
        endpoint.seen("ListUsers")[0]
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_slow_answer_within_the_attempt_timeout_is_one_attempt() {
    let endpoint = faulty("delay");
    endpoint.add(Rule::new("ListUsers", Fault::Delay).hold(Duration::from_millis(500)));
    let started = Instant::now();
    let users = endpoint.aws_iam().list_users().await;
    assert!(users.is_ok(), "{users:?}");
    assert_took(
        started.elapsed(),
        Duration::from_millis(500),
        Duration::from_secs(3),
    );
    assert_eq!(endpoint.modes("ListUsers"), ["delay"]);
}

// ---- STS, and the proxy's isolation ----

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn sts_calls_get_sts_errors_and_are_retried() {
    let endpoint = faulty("sts-500");
    endpoint.fail("GetCallerIdentity", Fault::Error500, 1);
    let identity = endpoint.aws_iam().caller_identity().await;
    assert_eq!(identity.map(|i| i.account), Ok(ACCOUNT_ID.to_string()));
    let seen = endpoint.seen("GetCallerIdentity");
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert!(
        seen.iter()
            .all(|seen| seen.service.as_deref() == Some("sts"))
    );
    assert!(seen[0].outcome.contains("InternalFailure"), "{seen:#?}");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn one_test_s_faults_never_reach_another_endpoint() {
    let noisy = faulty("noisy");
    noisy.fail("*", Fault::Error500, 100);
    let quiet = faulty("quiet");
    let users = quiet.aws_iam().list_users().await;
    assert!(users.is_ok(), "{users:?}");
    assert_eq!(quiet.modes("ListUsers"), ["forward"]);
    assert!(noisy.log().is_empty(), "{:#?}", noisy.log());
    noisy.reset();
    assert!(noisy.aws_iam().list_users().await.is_ok());
}

// ---- The binary, with the timeouts and retries of `AwsIam::connect` ----

fn iam_mfa_list(endpoint: &FaultyEndpoint) -> (Output, Duration) {
    let home = tempfile::tempdir().expect("a temporary HOME");
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_iam-mfa"))
        .args(["--endpoint-url", &endpoint.url, "list", "--output", "json"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .expect("run iam-mfa");
    (output, started.elapsed())
}

#[test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
fn the_binary_retries_a_throttled_list_and_gives_up_after_three_attempts() {
    let endpoint = faulty("binary-throttle");
    endpoint.fail("ListVirtualMFADevices", Fault::Throttle, 2);
    let (output, took) = iam_mfa_list(&endpoint);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_one_call_of_attempts(&endpoint, "ListVirtualMFADevices", 3);
    eprintln!("iam-mfa list, throttled twice: succeeded after {took:?}");

    endpoint.reset();
    endpoint.fail("ListVirtualMFADevices", Fault::Throttle, 3);
    let (output, took) = iam_mfa_list(&endpoint);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("throttling"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_one_call_of_attempts(&endpoint, "ListVirtualMFADevices", 3);
    eprintln!("iam-mfa list, throttled three times: failed after {took:?}: {stderr}");
}
