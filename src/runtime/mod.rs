//! The thin runtime: owns the terminal, turns terminal events, the clock and signals into messages,
//! carries out the effects the state machine returns, and ends every run the same way.
//!
//! - `terminal`: entering and restoring the terminal (raw mode, alternate screen, bracketed paste);
//! - `event_loop`: the loop, which returns why it ended ([`event_loop::Ending`]);
//! - `shutdown`: the one exit path after it, for every ending (clean up, clear the clipboard, restore,
//!   report, exit status);
//! - `effects` and [`executor`]: effects on tasks, IAM requests; `copy`: the clipboard and its clear;
//! - `signals`, `panic_watch`: how a signal or a panic ends the loop.

mod copy;
mod effects;
mod event_loop;
pub mod executor;
pub mod graphics;
mod panic_watch;
mod shutdown;
mod signals;
mod terminal;
#[cfg(test)]
mod tests;

use std::io::{self, Write};
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::Arc;

use crossterm::event::EventStream;
use futures::FutureExt;
use tokio::sync::mpsc;

use crate::app::{App, Colours, Effect};
use crate::cli::QrOutput;
use crate::clock::SharedClock;
use crate::iam::Iam;
use crate::iam::connect::Connector;
use effects::Effects;
use event_loop::{Ending, Inputs};

/// Runs the app in the terminal until it ends, then takes the exit path; returns the exit status.
pub async fn run(
    mut app: App,
    initial: Vec<Effect>,
    iam: Arc<dyn Iam>,
    connector: Option<Arc<dyn Connector>>,
    clock: SharedClock,
    qr: QrOutput,
) -> ExitCode {
    // Before the terminal changes: from here on a signal is caught, not fatal.
    let signals = match signals::catch() {
        Ok(signals) => signals,
        Err(error) => return fail(&format!("cannot catch signals: {error}")),
    };
    panic_watch::install();
    let mut guard = match terminal::enter() {
        Ok(guard) => guard,
        Err(error) => return fail(&format!("terminal error: {error}")),
    };
    // Raw mode is on and nothing reads input yet: the terminal's answers cannot be taken for keys.
    app.session.graphics = graphics::detect(qr);
    // NO_COLOR is decided here, for the theme: crossterm alone would drop the colour codes but send
    // `ESC [ m` in their place, which also ends bold and reverse video (the selection would vanish).
    app.session.colours = Colours::from_no_color(std::env::var_os("NO_COLOR").as_deref());
    // A terminal that printed a query instead of answering it gets a clean screen.
    if let Err(error) = guard.terminal().clear() {
        drop(guard);
        return fail(&format!("terminal error: {error}"));
    }
    let mut kitty = graphics::KittyImage::default();
    let (tx, answers) = mpsc::unbounded_channel();
    let mut effects = Effects::new(iam, tx).with_connector(connector);
    let mut inputs = Inputs {
        events: EventStream::new(),
        signals,
        answers,
    };
    let mut tty = io::stdout();
    let ending = {
        let _watching = panic_watch::Watching::start();
        for effect in initial {
            effects.start(effect);
        }
        let running = event_loop::run(
            guard.terminal(),
            &mut tty,
            &mut inputs,
            &mut app,
            &mut effects,
            &clock,
            &mut kitty,
        );
        // A panic in the loop itself unwinds to here; one elsewhere ends the loop through the watch.
        AssertUnwindSafe(running)
            .catch_unwind()
            .await
            .unwrap_or(Ending::Panicked)
    };
    let report = shutdown::finish(
        ending,
        &mut app,
        &mut effects,
        &mut inputs,
        &mut tty,
        || {
            // The QR image leaves the terminal's memory with the app.
            let _ = kitty.delete(&mut io::stdout());
            terminal::restore();
        },
    )
    .await;
    drop(guard);
    let mut stderr = io::stderr().lock();
    for line in &report.lines {
        // stderr may be the terminal that went away (SIGHUP).
        let _ = writeln!(stderr, "{line}");
    }
    ExitCode::from(report.code)
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "iam-mfa: {message}");
    ExitCode::FAILURE
}
