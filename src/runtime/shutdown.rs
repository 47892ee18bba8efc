//! The exit path: the one way out of the interface, whatever ended the loop (quit, a signal, the
//! terminal failing, a panic). In order:
//!
//! 1. wait for device creations still in flight, so that a device created at the last moment is known;
//! 2. send what [`App::cleanup_requests`] asks for (deleting a device created and not enabled);
//! 3. clear a copied secret still pending (`copy::clear_now`);
//! 4. restore the terminal;
//! 5. report on stderr, after the restore so that it stays visible: the panic, each device deleted, and
//!    each one left behind with the aws CLI command that deletes it;
//! 6. the exit status: 0 after a quit, 128 + N after signal N, 101 after a panic, 1 when the terminal
//!    failed or (after a quit) something was left behind.
//!
//! Steps 1 and 2 share one time limit, and a signal during them (a second Ctrl-C from a person who
//! will not wait, a second SIGTERM from a service manager) cuts them short: what is not yet deleted is
//! left, steps 3 to 5 still run (the terminal is restored and every serial left is printed with its
//! command), and the process exits at once with 128 + the number of that signal, the one it obeyed.

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

use super::effects::{Effects, LoopMsg};
use super::event_loop::{Ending, Inputs};
use super::signals::Signal;
use super::{copy, executor};
use crate::app::wizard::delete_command;
use crate::app::{App, Request};
use crate::iam::{Iam, IamError};

/// How long the exit may spend removing what a half-finished flow created.
pub const CLEANUP_LIMIT: Duration = Duration::from_secs(10);

/// What the process prints and exits with.
#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    pub code: u8,
    /// Lines for stderr, each complete ("iam-mfa: ...").
    pub lines: Vec<String>,
}

/// Runs steps 1 to 4 and returns the report of step 5 and 6. `restore` puts the terminal back.
pub async fn finish<E, S>(
    ending: Ending,
    app: &mut App,
    effects: &mut Effects,
    inputs: &mut Inputs<E, S>,
    tty: &mut dyn Write,
    restore: impl FnOnce(),
) -> Report
where
    S: Stream<Item = Signal> + Unpin,
{
    let deadline = Instant::now() + CLEANUP_LIMIT;
    let stopped = await_creations(app, effects, inputs, deadline).await;
    // After a panic the app may be half-updated: a second panic here must not stop the exit.
    let requests =
        std::panic::catch_unwind(AssertUnwindSafe(|| app.cleanup_requests())).unwrap_or_default();
    let cleaned = if let Some(signal) = stopped {
        requests
            .iter()
            .map(|r| (target(r), Cleaned::Stopped(signal)))
            .collect()
    } else {
        clean_up(requests, effects.iam(), &mut inputs.signals, deadline).await
    };
    if let Err(error) = copy::clear_now(effects.clipboard(), tty).await {
        tracing::warn!(%error, "could not clear the terminal's clipboard at exit");
    }
    restore();
    report(&ending, &cleaned, super::panic_watch::take_report())
}

/// Step 1. Answers are handed to the app; the effects they cause are not started. The signal that cut
/// the wait short, if one did.
async fn await_creations<E, S>(
    app: &mut App,
    effects: &mut Effects,
    inputs: &mut Inputs<E, S>,
    deadline: Instant,
) -> Option<Signal>
where
    S: Stream<Item = Signal> + Unpin,
{
    while effects.creating() {
        let msg = tokio::select! {
            Some(LoopMsg::App(msg)) = inputs.answers.recv() => msg,
            Some(signal) = inputs.signals.next() => return Some(signal),
            () = tokio::time::sleep_until(deadline) => return None,
        };
        effects.answered(&msg);
        let updated = std::panic::catch_unwind(AssertUnwindSafe(|| app.update(msg)));
        if updated.is_err() {
            return None;
        }
    }
    None
}

/// What a cleanup request touches, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Device(String),
    /// Any other request: its IAM action.
    Other(&'static str),
}

fn target(request: &Request) -> Target {
    match request {
        Request::DeleteVirtualMfaDevice(delete) => Target::Device(delete.serial.clone()),
        other => Target::Other(other.action()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cleaned {
    Done,
    Failed(String),
    /// No answer within the time limit: it may or may not have taken effect.
    NoAnswer,
    /// A signal (this one) stopped the cleanup before this was sent or answered.
    Stopped(Signal),
}

/// Step 2, one request after the other (there is rarely more than one).
pub async fn clean_up<S>(
    requests: Vec<Request>,
    iam: &dyn Iam,
    signals: &mut S,
    deadline: Instant,
) -> Vec<(Target, Cleaned)>
where
    S: Stream<Item = Signal> + Unpin,
{
    let mut cleaned = Vec::new();
    let mut stopped = None;
    for request in requests {
        let target = target(&request);
        let action = request.action();
        let outcome = if let Some(signal) = stopped {
            Cleaned::Stopped(signal)
        } else {
            tokio::select! {
                answer = tokio::time::timeout_at(deadline, executor::execute(iam, request)) => {
                    match answer {
                        // Already gone is as good as deleted.
                        Ok(Ok(_) | Err(IamError::NoSuchEntity(_))) => Cleaned::Done,
                        Ok(Err(error)) => Cleaned::Failed(error.to_string()),
                        Err(_) => Cleaned::NoAnswer,
                    }
                }
                Some(signal) = signals.next() => {
                    stopped = Some(signal);
                    Cleaned::Stopped(signal)
                }
            }
        };
        match &outcome {
            Cleaned::Done => tracing::info!(action, "cleaned up on exit"),
            Cleaned::Failed(error) => tracing::warn!(action, %error, "cleanup on exit failed"),
            Cleaned::NoAnswer => tracing::warn!(action, "cleanup on exit got no answer"),
            Cleaned::Stopped(signal) => {
                tracing::warn!(
                    action,
                    signal = signal.name(),
                    "cleanup on exit stopped by a signal"
                );
            }
        }
        cleaned.push((target, outcome));
    }
    cleaned
}

/// Steps 5 and 6, from what happened.
pub fn report(ending: &Ending, cleaned: &[(Target, Cleaned)], panic: Option<String>) -> Report {
    let mut lines = Vec::new();
    let mut code = match ending {
        Ending::Quit => 0,
        Ending::Signal(signal) => signal.exit_code(),
        Ending::TerminalClosed => {
            lines.push("iam-mfa: the terminal closed".to_string());
            1
        }
        Ending::TerminalFailed(error) => {
            lines.push(format!("iam-mfa: terminal error: {error}"));
            1
        }
        Ending::Panicked => {
            lines.push(panic.unwrap_or_else(|| {
                "iam-mfa: internal error (a bug, please report it)".to_string()
            }));
            101
        }
    };
    let limit = CLEANUP_LIMIT.as_secs();
    for (target, outcome) in cleaned {
        let line = match (target, outcome) {
            (Target::Device(serial), Cleaned::Done) => {
                format!("iam-mfa: deleted {serial}, which an unfinished set-up created")
            }
            (Target::Device(serial), Cleaned::Failed(error)) => format!(
                "iam-mfa: {serial} is left behind ({error}); delete it with: {}",
                delete_command(serial)
            ),
            (Target::Device(serial), Cleaned::NoAnswer) => format!(
                "iam-mfa: {serial} may be left behind (its delete got no answer within {limit} s); \
                 if it is, delete it with: {}",
                delete_command(serial)
            ),
            (Target::Device(serial), Cleaned::Stopped(signal)) => format!(
                "iam-mfa: {serial} may be left behind ({} stopped the cleanup); \
                 if it is, delete it with: {}",
                signal.name(),
                delete_command(serial)
            ),
            (Target::Other(_), Cleaned::Done) => continue,
            (Target::Other(action), Cleaned::Failed(error)) => {
                format!("iam-mfa: {action} at exit failed: {error}")
            }
            (Target::Other(action), Cleaned::NoAnswer) => {
                format!("iam-mfa: {action} at exit got no answer within {limit} s")
            }
            (Target::Other(action), Cleaned::Stopped(signal)) => {
                format!("iam-mfa: {action} at exit was stopped by {}", signal.name())
            }
        };
        if *outcome != Cleaned::Done && code == 0 {
            code = 1;
        }
        lines.push(line);
    }
    // The process exits at the signal that stopped the cleanup: its status says so.
    if let Some(signal) = cleaned.iter().find_map(|(_, outcome)| match outcome {
        Cleaned::Stopped(signal) => Some(*signal),
        _ => None,
    }) {
        code = signal.exit_code();
    }
    Report { code, lines }
}
