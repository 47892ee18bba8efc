//! A panic anywhere (in the loop, in an effect's task, on a blocking thread) ends the app through the
//! exit path, which cleans up first; the process does not carry on behind a restored terminal.
//!
//! While the loop is watched ([`Watching`]), the hook records the panic and wakes the loop; the record is
//! printed once the terminal is restored (printed at once it would land on the alternate screen and
//! vanish with it). Outside that window, the hook restores the terminal and prints as Rust always does.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::panic::{self, PanicHookInfo};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, PoisonError};

use tokio::sync::Notify;

use super::terminal;

static WATCHING: AtomicBool = AtomicBool::new(false);
static PANICKED: AtomicBool = AtomicBool::new(false);
/// The first panic's report, for the exit path to print.
static REPORT: Mutex<Option<String>> = Mutex::new(None);
static WAKE: Notify = Notify::const_new();

/// Installs the hook (once per process), in front of the one already there.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if WATCHING.load(Ordering::SeqCst) {
                record(info);
            } else {
                terminal::restore();
                previous(info);
            }
        }));
    });
}

fn record(info: &PanicHookInfo<'_>) {
    let mut report = REPORT.lock().unwrap_or_else(PoisonError::into_inner);
    if report.is_none() {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let place = info
            .location()
            .map(|location| format!(" at {location}"))
            .unwrap_or_default();
        let mut text =
            format!("iam-mfa: internal error (a bug, please report it): {message}{place}");
        // As Rust's own hook: only when RUST_BACKTRACE asks for it.
        let backtrace = Backtrace::capture();
        if backtrace.status() == BacktraceStatus::Captured {
            text.push_str(&format!("\n{backtrace}"));
        }
        *report = Some(text);
    }
    drop(report);
    PANICKED.store(true, Ordering::SeqCst);
    // A permit is stored if the loop is not waiting right now.
    WAKE.notify_one();
}

/// Marks the loop as watched while it lives.
pub struct Watching(());

impl Watching {
    pub fn start() -> Self {
        WATCHING.store(true, Ordering::SeqCst);
        Self(())
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        WATCHING.store(false, Ordering::SeqCst);
    }
}

/// Whether a panic was recorded.
pub fn panicked() -> bool {
    PANICKED.load(Ordering::SeqCst)
}

/// Resolves when a panic is recorded.
pub async fn wait() {
    while !panicked() {
        WAKE.notified().await;
    }
}

/// The recorded panic's report, once.
pub fn take_report() -> Option<String> {
    REPORT.lock().unwrap_or_else(PoisonError::into_inner).take()
}
