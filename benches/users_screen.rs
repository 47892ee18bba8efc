//! The Users screen on an account with 1,000 users (a benchmark, not a test): `cargo bench --bench
//! users_screen` opens Users from the home screen and measures the time until the list shows (ListUsers
//! answered), the time until every user's MFA column is filled (no request outstanding, no progress
//! indicator), how many calls of each IAM operation that took, and the most calls in flight at once.
//!
//! The app is driven as the terminal runtime drives it, without a terminal: every `Effect::Call` runs on
//! its own tokio task (on a current-thread runtime, like the binary's) and its answer goes back to
//! `App::update`, the screen being drawn once per burst of messages, as the runtime does. (`Headless` carries effects out one after
//! another, which would hide the concurrency this measures; it is used here to build the app and draw it.)
//!
//! Two accounts: the demo account grown to `USERS_SCREEN_USERS` users (our own cost: state machine,
//! drawing, an in-process IAM), and, when `IAM_MFA_BENCH_ENDPOINT` names a moto server, the account that
//! scripts/bench-users.sh made there (the same plus the SDK, HTTP and moto). Without `--bench` (as under
//! `cargo test --all-targets`) one small run on the demo account proves the driver works.
//!
//! `IAM_MFA_BENCH_ENDPOINTS` adds more endpoints, `label=URL` separated by `;` (scripts/bench-throttle.sh
//! names fault-proxy endpoints in front of moto there, one of them throttling a share of the calls):
//! their calls may differ from run to run (retries, throttled rows asked again), so only the users and
//! devices shown are checked against each other.
//!
//! Environment: `IAM_MFA_BENCH_ENDPOINT` (a loopback URL), `IAM_MFA_BENCH_ENDPOINTS`, `USERS_SCREEN_RUNS`
//! (default 5), `USERS_SCREEN_USERS` (default 1000; the demo account's size), `BENCH_RESULT_FILE` (the
//! figures as JSON).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use crossterm::event::KeyCode;
use iam_mfa::app::users::{MAX_IN_FLIGHT, UsersState};
use iam_mfa::app::{Effect, Msg, Response, Screen, Ticket};
use iam_mfa::clock::ManualClock;
use iam_mfa::headless::{FIXED_NOW, Headless};
use iam_mfa::iam::aws::AwsIam;
use iam_mfa::iam::demo::{DemoAccount, DemoIdentity};
use iam_mfa::iam::recording::RecordingIam;
use iam_mfa::iam::{AssignmentFilter, Iam, IamError};
use iam_mfa::runtime::executor;
use tokio::sync::mpsc;

const ENDPOINT_VARIABLE: &str = "IAM_MFA_BENCH_ENDPOINT";
const MORE_ENDPOINTS_VARIABLE: &str = "IAM_MFA_BENCH_ENDPOINTS";
const DEFAULT_RUNS: usize = 5;
const DEFAULT_USERS: usize = 1000;
/// Users in the one run that `cargo test --all-targets` makes.
const SMOKE_USERS: usize = 50;
const COLS: u16 = 120;
const ROWS: u16 = 40;
/// What the Users screen's footer says while MFA details are still coming (src/ui/users.rs).
const PROGRESS_TEXT: &str = "loading MFA details";

fn main() {
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this too, without it.
    if !std::env::args().any(|arg| arg == "--bench") {
        let figures = tokio.block_on(open_users(&Backend::demo(SMOKE_USERS)));
        println!(
            "users_screen benchmark: one run on {} demo users ok ({} calls; run `cargo bench --bench \
             users_screen` for figures)",
            figures.users,
            figures.calls.values().sum::<usize>()
        );
        return;
    }
    let runs = env_count("USERS_SCREEN_RUNS", DEFAULT_RUNS);
    let users = env_count("USERS_SCREEN_USERS", DEFAULT_USERS);
    println!(
        "Users screen: open from home, {runs} runs after one warm-up, {COLS}x{ROWS}, at most \
         {MAX_IN_FLIGHT} per-user calls in flight"
    );
    let mut accounts = Vec::new();
    accounts.push(tokio.block_on(measure(&Backend::demo(users), runs)));
    match std::env::var(ENDPOINT_VARIABLE) {
        Ok(endpoint) => accounts.push(tokio.block_on(measure(&Backend::moto(&endpoint), runs))),
        Err(_) => println!(
            "\nmoto skipped: {ENDPOINT_VARIABLE} is not set (scripts/bench-users.sh starts moto, fills \
             it and sets it)"
        ),
    }
    let more = std::env::var(MORE_ENDPOINTS_VARIABLE).unwrap_or_default();
    for entry in more.split(';').filter(|entry| !entry.is_empty()) {
        let Some((label, endpoint)) = entry.split_once('=') else {
            panic!("{MORE_ENDPOINTS_VARIABLE}: {entry:?} is not label=URL");
        };
        let mut backend = Backend::moto(endpoint);
        backend.name = label.to_string();
        backend.exact_calls = false;
        accounts.push(tokio.block_on(measure(&backend, runs)));
    }
    if let Ok(path) = std::env::var("BENCH_RESULT_FILE") {
        let json = serde_json::json!({
            "runs": runs,
            "max_in_flight": MAX_IN_FLIGHT,
            "terminal": format!("{COLS}x{ROWS}"),
            "accounts": accounts,
        });
        std::fs::write(&path, json.to_string())
            .unwrap_or_else(|error| panic!("write {path}: {error}"));
    }
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|&value: &usize| value > 0)
        .unwrap_or(default)
}

// --- the accounts ---------------------------------------------------------------------------------------

/// An account to open the Users screen on, with its call counters.
struct Backend {
    name: String,
    /// Whether every opening must make the same calls (not behind a fault proxy).
    exact_calls: bool,
    /// The account's IAM, its calls counted (by IAM action) and their peak in flight.
    iam: Arc<RecordingIam>,
    /// The same IAM past the counter, for the benchmark's own questions.
    inner: Arc<dyn Iam>,
    /// HTTP requests as sent by the SDK (pages and retries included); none for the demo account.
    http: Option<Arc<RequestCounter>>,
}

impl Backend {
    /// The demo account, empty but for `users` users and their virtual devices (root is the caller, so
    /// there is no administrator user among them).
    fn demo(users: usize) -> Self {
        let clock = ManualClock::at(FIXED_NOW);
        let account = DemoAccount::empty(DemoIdentity::Root, Arc::new(clock));
        for n in 0..users {
            let user = format!("bench-user-{n:04}");
            account.add_user(&user, "/").expect("a valid user name");
            for k in 0..virtual_devices_of(n, users) {
                account
                    .add_assigned_virtual_device(&user, &format!("{user}-mfa-{k}"))
                    .expect("within IAM's device rules");
            }
        }
        Self::counted("demo account", Arc::new(account), None)
    }

    /// moto at `endpoint`, through the real SDK with static test credentials in us-east-1.
    fn moto(endpoint: &str) -> Self {
        assert!(
            endpoint.starts_with("http://127.0.0.1:") || endpoint.starts_with("http://localhost:"),
            "{ENDPOINT_VARIABLE} must be a loopback URL, not {endpoint}"
        );
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "users-screen-bench",
            )))
            .build();
        let http = Arc::new(RequestCounter::default());
        // The app's IAM client config (its retry budget), plus the counter.
        let iam = aws_sdk_iam::Client::from_conf(
            iam_mfa::iam::aws::iam_client_config(&config)
                .interceptor(SharedCounter(http.clone()))
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&config)
                .interceptor(SharedCounter(http.clone()))
                .build(),
        );
        Self::counted("moto", Arc::new(AwsIam::from_clients(iam, sts)), Some(http))
    }

    fn counted(name: &'static str, inner: Arc<dyn Iam>, http: Option<Arc<RequestCounter>>) -> Self {
        Self {
            name: name.to_string(),
            exact_calls: true,
            iam: Arc::new(RecordingIam::new(inner.clone())),
            inner,
            http,
        }
    }
}

/// How many virtual devices user `n` of `users` has; scripts/bench-users.sh makes the same on moto.
/// Every third user one; every 250th three; the last user eight, IAM's most, which the account-wide
/// listing tells in full, so the screen makes no call of its own for that user.
fn virtual_devices_of(n: usize, users: usize) -> usize {
    if n + 1 == users {
        8
    } else if n.is_multiple_of(250) {
        3
    } else if n.is_multiple_of(3) {
        1
    } else {
        0
    }
}

// --- counting HTTP requests -----------------------------------------------------------------------------

/// Counts the HTTP requests the SDK sends, per operation: a list of several pages or a retried call
/// shows here as more than one.
#[derive(Debug, Default)]
struct RequestCounter(Mutex<BTreeMap<String, usize>>);

impl RequestCounter {
    fn take(&self) -> BTreeMap<String, usize> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The SDK's interceptor slot takes ownership; both clients share one counter.
#[derive(Debug)]
struct SharedCounter(Arc<RequestCounter>);

impl Intercept for SharedCounter {
    fn name(&self) -> &'static str {
        "users-screen-bench-request-counter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map_or("(unknown)", Metadata::name)
            .to_string();
        *self
            .0
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(operation)
            .or_default() += 1;
        Ok(())
    }
}

// --- driving the app as the runtime does ----------------------------------------------------------------

/// The app with its effects carried out concurrently: each call on its own task, answers in arrival order.
struct Driver {
    headless: Headless,
    answers_tx: mpsc::UnboundedSender<(Ticket, Response)>,
    answers: mpsc::UnboundedReceiver<(Ticket, Response)>,
    outstanding: usize,
    peak_outstanding: usize,
    /// Time spent in `App::update` and in drawing: our own cost, apart from the IAM backend's.
    updating: Duration,
    drawing: Duration,
    frames: usize,
    /// The lowest the Users screen's cap on per-user calls went (it halves on Throttling).
    lowest_cap: usize,
}

impl Driver {
    /// The app on its home screen, the start-up requests answered.
    async fn start(iam: Arc<dyn Iam>) -> Self {
        let headless = Headless::new(iam, ManualClock::at(FIXED_NOW), false, COLS, ROWS).await;
        let (answers_tx, answers) = mpsc::unbounded_channel();
        Self {
            headless,
            answers_tx,
            answers,
            outstanding: 0,
            peak_outstanding: 0,
            updating: Duration::ZERO,
            drawing: Duration::ZERO,
            frames: 0,
            lowest_cap: MAX_IN_FLIGHT,
        }
    }

    /// Hands a message to the app and starts the effects it returns.
    fn update(&mut self, msg: Msg) {
        let started = Instant::now();
        let effects = self.headless.app.update(msg);
        self.updating += started.elapsed();
        for effect in effects {
            self.start_effect(effect);
        }
    }

    fn draw(&mut self) {
        let started = Instant::now();
        self.headless.render();
        self.drawing += started.elapsed();
        self.frames += 1;
    }

    /// A message, then a frame.
    fn send(&mut self, msg: Msg) {
        self.update(msg);
        self.draw();
    }

    fn start_effect(&mut self, effect: Effect) {
        let Effect::Call { ticket, request } = effect else {
            // Never printed with Debug: a Copy effect carries a secret.
            panic!("the Users screen asked for something other than an IAM call");
        };
        self.outstanding += 1;
        self.peak_outstanding = self.peak_outstanding.max(self.outstanding);
        let iam = self.headless.iam.clone();
        let answers = self.answers_tx.clone();
        tokio::spawn(async move {
            let result = executor::execute(iam.as_ref(), request).await;
            // The driver outlives every task it starts; a failed send would mean it panicked already.
            let _ = answers.send((ticket, Response::Iam(result)));
        });
    }

    /// Waits for the next answer and hands it to the app with every other answer already in, then draws
    /// once, as the runtime does.
    async fn answer_next(&mut self) {
        let mut next = Some(
            self.answers
                .recv()
                .await
                .expect("the driver holds a sender"),
        );
        while let Some((ticket, response)) = next {
            self.outstanding -= 1;
            self.update(Msg::Response(ticket, response));
            if let Screen::Users(state) = self.headless.app.screen() {
                self.lowest_cap = self.lowest_cap.min(state.cap.get());
            }
            next = self.answers.try_recv().ok();
        }
        self.draw();
    }

    fn users(&self) -> &UsersState {
        match self.headless.app.screen() {
            Screen::Users(state) => state,
            _ => panic!("the Users screen is not on top"),
        }
    }
}

// --- one opening of the Users screen, and several ---------------------------------------------------------

/// What one opening of the Users screen took.
struct RunFigures {
    list_shown: Duration,
    all_filled: Duration,
    /// Of `all_filled`, the time in `App::update` and in drawing.
    updating: Duration,
    drawing: Duration,
    /// Frames drawn: one per burst of answers.
    frames: usize,
    users: usize,
    /// Devices the filled MFA column adds up to.
    devices: usize,
    calls: BTreeMap<&'static str, usize>,
    /// HTTP requests (moto only).
    http: Option<BTreeMap<String, usize>>,
    /// The most calls in progress at once in the IAM layer.
    peak_in_flight: usize,
    /// The most requests the app had out at once (sent, answer not yet handed back).
    peak_outstanding: usize,
    lowest_cap: usize,
}

async fn open_users(backend: &Backend) -> RunFigures {
    let mut driver = Driver::start(backend.iam.clone()).await;
    // Only the Users screen's own calls count, not the app's start-up.
    backend.iam.reset();
    if let Some(http) = &backend.http {
        http.take();
    }

    let started = Instant::now();
    driver.send(Msg::Key(iam_mfa::app::key(KeyCode::Char('u'))));
    if !matches!(driver.headless.app.screen(), Screen::Users(_)) {
        panic!(
            "`u` on the home screen did not open Users:\n{}",
            driver.headless.screen_text()
        );
    }
    let mut list_shown = None;
    while driver.outstanding > 0 {
        driver.answer_next().await;
        if list_shown.is_none() && driver.users().rows.loaded().is_some() {
            list_shown = Some(started.elapsed());
        }
    }
    let all_filled = started.elapsed();

    let state = driver.users();
    let Some(rows) = state.rows.loaded() else {
        panic!("the user list did not load: {:?}", state.rows)
    };
    assert_eq!(
        state.details_failed, 0,
        "some users' MFA devices failed to load"
    );
    assert!(
        !state.details_loading(),
        "no request is out, yet {} of {} users' details are known",
        state.details_done,
        state.details_needed
    );
    let devices = rows
        .iter()
        .map(|row| row.mfa.total().expect("every MFA column filled"))
        .sum();
    let users = rows.len();
    let screen = driver.headless.screen_text();
    assert!(
        !screen.contains(PROGRESS_TEXT),
        "the screen still shows progress:\n{screen}"
    );
    let (calls, peak_in_flight) = backend.iam.take();
    // The figures name operations as the API reference does: "ListMFADevices".
    let calls = calls
        .into_iter()
        .map(|(action, n)| (action.operation(), n))
        .collect();
    RunFigures {
        list_shown: list_shown.expect("the list showed"),
        all_filled,
        updating: driver.updating,
        drawing: driver.drawing,
        frames: driver.frames,
        users,
        devices,
        calls,
        http: backend.http.as_ref().map(|http| http.take()),
        peak_in_flight,
        peak_outstanding: driver.peak_outstanding,
        lowest_cap: driver.lowest_cap,
    }
}

/// One warm-up and `runs` timed openings; prints and returns the figures.
async fn measure(backend: &Backend, runs: usize) -> serde_json::Value {
    let expected_devices = assigned_virtual_devices(backend.inner.as_ref()).await;
    let warm_up = open_users(backend).await;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let figures = open_users(backend).await;
        // Every opening must make the same calls (unless faults add some) and show the same account.
        if backend.exact_calls {
            assert_eq!(
                figures.calls, warm_up.calls,
                "the calls differ between runs"
            );
        }
        assert_eq!(figures.users, warm_up.users);
        assert_eq!(
            figures.devices, expected_devices,
            "the MFA column adds up to another number of devices than the account holds"
        );
        samples.push(figures);
    }
    let list = Spread::of(samples.iter().map(|s| s.list_shown).collect());
    let filled = Spread::of(samples.iter().map(|s| s.all_filled).collect());
    let updating = Spread::of(samples.iter().map(|s| s.updating).collect());
    let drawing = Spread::of(samples.iter().map(|s| s.drawing).collect());
    let mut frames: Vec<usize> = samples.iter().map(|s| s.frames).collect();
    frames.sort_unstable();
    let frames = frames[frames.len() / 2];
    let peak_in_flight = samples.iter().map(|s| s.peak_in_flight).max().unwrap_or(0);
    let peak_outstanding = samples
        .iter()
        .map(|s| s.peak_outstanding)
        .max()
        .unwrap_or(0);
    let lowest_cap = samples.iter().map(|s| s.lowest_cap).min().unwrap_or(0);
    let last = samples.last().expect("at least one run");

    println!(
        "\n{}: {} users, {} virtual MFA devices assigned",
        backend.name, last.users, last.devices
    );
    println!("  {:28} {}", "list shown (ListUsers)", list.line());
    println!("  {:28} {}", "every MFA column filled", filled.line());
    println!("  {:28} {}", "  of which App::update", updating.line());
    println!("  {:28} {}", "  of which drawing", drawing.line());
    println!("  {:28} {frames}", "  frames drawn (median)");
    let calls = last
        .calls
        .iter()
        .map(|(operation, n)| format!("{operation} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    println!("  calls: {calls}");
    if let Some(http) = &last.http {
        let requests: usize = http.values().sum();
        println!("  HTTP requests: {requests} ({http:?})");
    }
    println!(
        "  peak in flight: {peak_in_flight} calls in the IAM layer, {peak_outstanding} requests out \
         (bound on per-user calls: {MAX_IN_FLIGHT}, lowest it stepped down to: {lowest_cap})"
    );

    serde_json::json!({
        "name": backend.name,
        "users": last.users,
        "devices": last.devices,
        "list_ms": list.json(),
        "filled_ms": filled.json(),
        "update_ms": updating.json(),
        "draw_ms": drawing.json(),
        "frames": frames,
        "calls": last.calls,
        "http_requests": last.http,
        "peak_in_flight": peak_in_flight,
        "peak_outstanding": peak_outstanding,
        "lowest_cap": lowest_cap,
    })
}

/// The virtual devices assigned to IAM users, asked past the counter: what the filled column must add up
/// to (neither account holds hardware tokens or passkeys here). Behind a throttling endpoint this
/// question of the benchmark's own is asked again until it gets through (the app's calls are not).
async fn assigned_virtual_devices(iam: &dyn Iam) -> usize {
    let mut tries = 0;
    let devices = loop {
        match iam
            .list_virtual_mfa_devices(AssignmentFilter::Assigned)
            .await
        {
            Err(IamError::Throttled(_)) if tries < 10 => tries += 1,
            answer => break answer.expect("ListVirtualMFADevices"),
        }
    };
    devices
        .iter()
        .filter(|device| device.user_name.is_some())
        .count()
}

/// Min, median and max of some durations.
struct Spread {
    min: Duration,
    median: Duration,
    max: Duration,
}

impl Spread {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let middle = samples.len() / 2;
        let median = if samples.len().is_multiple_of(2) {
            (samples[middle - 1] + samples[middle]) / 2
        } else {
            samples[middle]
        };
        Self {
            min: samples[0],
            median,
            max: samples[samples.len() - 1],
        }
    }

    fn line(&self) -> String {
        format!(
            "median {:7.1} ms   min {:7.1} ms   max {:7.1} ms",
            ms(self.median),
            ms(self.min),
            ms(self.max)
        )
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "min": ms(self.min),
            "median": ms(self.median),
            "max": ms(self.max),
        })
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
