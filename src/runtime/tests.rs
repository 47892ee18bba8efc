//! The loop and the exit path together, on ratatui's `TestBackend` with scripted event and signal
//! streams: every ending goes through `shutdown::finish`, with its exit status and report. (The real
//! terminal, signals and panic hook are tested end to end in tests/e2e.rs.)

use std::io;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{Event as TermEvent, KeyCode};
use futures::{FutureExt, Stream, StreamExt, stream};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc;

use super::effects::Effects;
use super::event_loop::{self, Ending, Inputs};
use super::shutdown::{self, Report};
use super::signals::Signal;
use crate::app::wizard::tests::{to_name_step, to_secret_step};
use crate::app::{App, Effect, Msg, Request};
use crate::clock::SharedClock;
use crate::headless::Headless;
use crate::iam::demo::DemoIdentity;
use crate::iam::faults::{Fault, FaultIam, Times};
use crate::iam::{Action, AssignmentFilter, Iam, op};

type Events = Pin<Box<dyn Stream<Item = io::Result<TermEvent>> + Send>>;
type Signals = Pin<Box<dyn Stream<Item = Signal> + Send>>;

fn key(c: char) -> io::Result<TermEvent> {
    Ok(TermEvent::Key(crate::app::key(KeyCode::Char(c))))
}

/// Runs the loop as `runtime::run` does (a panic in it caught) and then the exit path. Returns the
/// ending, the report, and whether the terminal was restored.
async fn run_to_exit(
    app: App,
    initial: Vec<Effect>,
    iam: Arc<dyn Iam>,
    clock: SharedClock,
    events: Events,
    signals: Signals,
) -> (Ending, Report, bool) {
    let backend = TestBackend::new(80, 24);
    run_on(backend, app, initial, iam, clock, events, signals).await
}

/// [`run_to_exit`] on a backend of the test's choosing.
async fn run_on<B: Backend>(
    backend: B,
    mut app: App,
    initial: Vec<Effect>,
    iam: Arc<dyn Iam>,
    clock: SharedClock,
    events: Events,
    signals: Signals,
) -> (Ending, Report, bool) {
    let mut terminal = Terminal::new(backend).unwrap();
    let mut tty = Vec::new();
    let (tx, answers) = mpsc::unbounded_channel();
    let mut effects = Effects::new(iam, tx);
    for effect in initial {
        effects.start(effect);
    }
    let mut inputs = Inputs {
        events,
        signals,
        answers,
    };
    let mut kitty = super::graphics::KittyImage::default();
    let running = event_loop::run(
        &mut terminal,
        &mut tty,
        &mut inputs,
        &mut app,
        &mut effects,
        &clock,
        &mut kitty,
    );
    let ending = AssertUnwindSafe(running)
        .catch_unwind()
        .await
        .unwrap_or(Ending::Panicked);
    let restored = AtomicBool::new(false);
    let report = shutdown::finish(
        ending.clone(),
        &mut app,
        &mut effects,
        &mut inputs,
        &mut tty,
        || restored.store(true, Ordering::SeqCst),
    )
    .await;
    (ending, report, restored.load(Ordering::SeqCst))
}

/// The demo app at home, with its start-up requests not yet sent.
fn home() -> (App, Vec<Effect>, Arc<dyn Iam>, SharedClock) {
    let clock: SharedClock = crate::clock::system();
    let iam: Arc<dyn Iam> = Arc::new(crate::iam::demo::DemoAccount::new(
        DemoIdentity::Admin,
        clock.clone(),
    ));
    let session = crate::app::Session::new(iam.describe(), true, false);
    let (app, initial) = App::new(session, clock.now(), (80, 24));
    (app, initial, iam, clock)
}

#[tokio::test]
async fn every_ending_goes_through_the_exit_path_with_its_status() {
    let endings: Vec<(&str, Events, Signals, u8, Vec<String>)> = vec![
        (
            "q",
            Box::pin(stream::iter([key('q')]).chain(stream::pending())),
            Box::pin(stream::pending()),
            0,
            vec![],
        ),
        (
            "SIGHUP",
            Box::pin(stream::pending()),
            Box::pin(stream::iter([Signal::Hangup])),
            129,
            vec![],
        ),
        (
            "input ended",
            Box::pin(stream::empty()),
            Box::pin(stream::pending()),
            1,
            vec!["iam-mfa: the terminal closed".into()],
        ),
        (
            "input failed",
            Box::pin(stream::iter([Err(io::Error::other("EIO"))])),
            Box::pin(stream::pending()),
            1,
            vec!["iam-mfa: terminal error: reading events: EIO".into()],
        ),
        (
            "a panic in the loop",
            Box::pin(stream::poll_fn(|_| panic!("the event stream broke"))),
            Box::pin(stream::pending()),
            101,
            // The hook that records the message is not installed in unit tests.
            vec!["iam-mfa: internal error (a bug, please report it)".into()],
        ),
    ];
    for (what, events, signals, code, lines) in endings {
        let (app, initial, iam, clock) = home();
        let (_, report, restored) = run_to_exit(app, initial, iam, clock, events, signals).await;
        assert_eq!(report, Report { code, lines }, "{what}");
        assert!(restored, "{what}: the terminal was not restored");
    }
}

/// A signal past the wizard's CreateVirtualMFADevice: the exit path deletes the device and says so.
#[tokio::test]
async fn a_signal_deletes_the_device_a_wizard_left_half_set_up() {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    to_secret_step(&mut h, "sam.wilson").await;
    let serial = match h.app.cleanup_requests().as_slice() {
        [Request::DeleteVirtualMfaDevice(delete)] => delete.serial.clone(),
        other => panic!("the wizard would leave {other:?}"),
    };
    assert_sigterm_deletes(h, Vec::new(), &serial).await;
}

/// A signal while CreateVirtualMFADevice is in flight: the exit path waits for its answer, so the new
/// device is known to the app and deleted, not left as an orphan nobody heard of.
#[tokio::test]
async fn a_device_still_being_created_at_a_signal_is_deleted_too() {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    to_name_step(&mut h, "sam.wilson").await;
    h.press_code(KeyCode::Enter).await;
    // Choosing the authenticator app sends the creation; its effect is started by the loop.
    let creation = h.app.update(Msg::Key(crate::app::key(KeyCode::Enter)));
    assert!(
        creation.iter().any(|effect| matches!(
            effect,
            Effect::Call {
                request: Request::CreateVirtualMfaDevice(_),
                ..
            }
        )),
        "{creation:?}"
    );
    assert!(h.app.cleanup_requests().is_empty());
    // On this single-threaded runtime the signal is taken before the creation's task first runs.
    assert_sigterm_deletes(h, creation, "arn:aws:iam::210987654321:mfa/sam.wilson").await;
}

/// SIGTERM to `h`'s app, `initial` started first: status 143, one report line saying `serial` was
/// deleted, and the demo account no longer holds it.
async fn assert_sigterm_deletes(h: Headless, initial: Vec<Effect>, serial: &str) {
    let clock: SharedClock = Arc::new(h.clock.clone());
    let (ending, report, _) = run_to_exit(
        h.app,
        initial,
        h.iam.clone(),
        clock,
        Box::pin(stream::pending()),
        Box::pin(stream::iter([Signal::Terminate])),
    )
    .await;
    assert_eq!(ending, Ending::Signal(Signal::Terminate));
    assert_eq!(
        report,
        Report {
            code: 143,
            lines: vec![format!(
                "iam-mfa: deleted {serial}, which an unfinished set-up created"
            )],
        }
    );
    assert!(
        !virtual_serials(h.iam.as_ref())
            .await
            .contains(&serial.to_string())
    );
}

async fn virtual_serials(iam: &dyn Iam) -> Vec<String> {
    let listed = iam.list_virtual_mfa_devices(AssignmentFilter::Any).await;
    match listed {
        Ok(devices) => devices.into_iter().map(|d| d.serial).collect(),
        other => panic!("ListVirtualMFADevices answered {other:?}"),
    }
}

/// A cleanup that fails names the device and the command that deletes it, and a quit then exits 1.
#[tokio::test]
async fn a_failed_cleanup_names_the_device_and_the_command() {
    let (_, _, iam, _) = home();
    // The demo's admin-iphone is assigned: deleting it fails with DeleteConflict; emma.schmidt's
    // device is an unassigned orphan and goes.
    let assigned = "arn:aws:iam::210987654321:mfa/admin-iphone".to_string();
    let orphan = "arn:aws:iam::210987654321:mfa/emma.schmidt".to_string();
    let requests = [&assigned, &orphan]
        .map(|serial| {
            Request::from(op::DeleteVirtualMfaDevice {
                serial: serial.clone(),
            })
        })
        .to_vec();
    let deadline = tokio::time::Instant::now() + shutdown::CLEANUP_LIMIT;
    let cleaned =
        shutdown::clean_up(requests, iam.as_ref(), &mut stream::pending(), deadline).await;
    let report = shutdown::report(&Ending::Quit, &cleaned, None);
    assert_eq!(report.code, 1);
    assert_eq!(report.lines.len(), 2, "{report:?}");
    assert!(
        report.lines[0].starts_with(&format!("iam-mfa: {assigned} is left behind (")),
        "{report:?}"
    );
    assert!(
        report.lines[0].ends_with(&format!(
            "; delete it with: aws iam delete-virtual-mfa-device --serial-number {assigned}"
        )),
        "{report:?}"
    );
    assert_eq!(
        report.lines[1],
        format!("iam-mfa: deleted {orphan}, which an unfinished set-up created")
    );
    // After a signal the status stays 128 + N: the lines say what was left.
    let after_signal = shutdown::report(&Ending::Signal(Signal::Quit), &cleaned, None);
    assert_eq!(after_signal.code, 131);
}

/// A terminal whose drawing fails (a terminal gone away under the app: EIO on write).
struct BrokenBackend(TestBackend);

fn never(infallible: std::convert::Infallible) -> io::Error {
    match infallible {}
}

impl Backend for BrokenBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, _content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        Err(io::Error::other("EIO"))
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.0.hide_cursor().map_err(never)
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.0.show_cursor().map_err(never)
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.0.get_cursor_position().map_err(never)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.0.set_cursor_position(position).map_err(never)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.0.clear().map_err(never)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.0.clear_region(clear_type).map_err(never)
    }
    fn size(&self) -> io::Result<Size> {
        self.0.size().map_err(never)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.0.window_size().map_err(never)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(never)
    }
}

/// A draw that fails ends the run through the same exit path as a quit or a signal: the device the
/// wizard left half set up is deleted, the terminal restored, and the report says both.
#[tokio::test]
async fn a_failed_draw_cleans_up_and_restores_the_terminal() {
    let mut h = Headless::demo(DemoIdentity::Admin, 80, 24).await;
    to_secret_step(&mut h, "sam.wilson").await;
    let serial = "arn:aws:iam::210987654321:mfa/sam.wilson";
    assert!(
        virtual_serials(h.iam.as_ref())
            .await
            .contains(&serial.to_string())
    );
    let clock: SharedClock = Arc::new(h.clock.clone());
    let (ending, report, restored) = run_on(
        BrokenBackend(TestBackend::new(80, 24)),
        h.app,
        Vec::new(),
        h.iam.clone(),
        clock,
        Box::pin(stream::pending()),
        Box::pin(stream::pending()),
    )
    .await;
    assert_eq!(ending, Ending::TerminalFailed("drawing: EIO".into()));
    assert!(restored, "the terminal was not restored");
    assert_eq!(
        report,
        Report {
            code: 1,
            lines: vec![
                "iam-mfa: terminal error: drawing: EIO".into(),
                format!("iam-mfa: deleted {serial}, which an unfinished set-up created"),
            ],
        }
    );
    assert!(
        !virtual_serials(h.iam.as_ref())
            .await
            .contains(&serial.to_string())
    );
}

/// SIGTERM ends the run; its cleanup (the delete of the wizard's device) hangs; a SIGINT then stops
/// the cleanup at once: the terminal is restored, the serial is printed with the command that
/// deletes it, and the status is 130, the SIGINT the process obeyed.
#[tokio::test]
async fn a_second_signal_during_the_cleanup_exits_at_once_naming_what_is_left() {
    let clock = crate::clock::ManualClock::at(crate::headless::FIXED_NOW);
    let demo = crate::iam::demo::DemoAccount::new(DemoIdentity::Admin, Arc::new(clock.clone()))
        .with_deterministic_seeds();
    let faults = Arc::new(FaultIam::new(Arc::new(demo)));
    let mut h = Headless::new(faults.clone(), clock.clone(), true, 80, 24).await;
    to_secret_step(&mut h, "sam.wilson").await;
    let serial = "arn:aws:iam::210987654321:mfa/sam.wilson";
    faults.inject(Action::DeleteVirtualMfaDevice, Fault::Hang, Times::Always);
    let signals = stream::iter([Signal::Terminate]).chain(stream::once(async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Signal::Interrupt
    }));
    let started = std::time::Instant::now();
    let (ending, report, restored) = run_to_exit(
        h.app,
        Vec::new(),
        faults.clone(),
        Arc::new(clock),
        Box::pin(stream::pending()),
        Box::pin(signals),
    )
    .await;
    let took = started.elapsed();
    assert_eq!(ending, Ending::Signal(Signal::Terminate));
    assert!(restored, "the terminal was not restored");
    assert!(
        took < shutdown::CLEANUP_LIMIT / 5,
        "at once, not at the cleanup's limit: {took:?}"
    );
    assert_eq!(
        report,
        Report {
            code: 130,
            lines: vec![format!(
                "iam-mfa: {serial} may be left behind (SIGINT stopped the cleanup); if it is, \
                 delete it with: aws iam delete-virtual-mfa-device --serial-number {serial}"
            )],
        }
    );
    faults.clear();
    assert!(
        virtual_serials(faults.as_ref())
            .await
            .contains(&serial.to_string()),
        "the hung delete was never made: the device is there, as the report says"
    );
}
