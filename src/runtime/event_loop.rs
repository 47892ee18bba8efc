//! The event loop: terminal events, the clock, effect answers and signals in; frames out. It returns
//! why it ended and nothing else: every way out, the same exit path follows (see `shutdown`).
//!
//! Generic over the terminal backend and the event and signal streams, so that tests run it on
//! ratatui's `TestBackend` with scripted streams.

use std::io::Write;
use std::time::Duration;

use crossterm::event::Event as TermEvent;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::effects::{Effects, Flow, LoopMsg};
use super::graphics::KittyImage;
use super::panic_watch;
use super::signals::Signal;
use crate::app::{App, Msg};
use crate::clock::SharedClock;

/// How often the clock is read for countdowns (a message is sent only when the second changes).
const TICK: Duration = Duration::from_millis(200);

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The app asked to quit.
    Quit,
    Signal(Signal),
    /// The terminal's input ended (its side closed).
    TerminalClosed,
    /// Reading events, drawing or writing to the terminal failed.
    TerminalFailed(String),
    /// Something panicked (see `panic_watch`).
    Panicked,
}

/// What the loop and, after it, the exit path listen to.
pub struct Inputs<E, S> {
    pub events: E,
    pub signals: S,
    pub answers: mpsc::UnboundedReceiver<LoopMsg>,
}

/// Runs until the app quits, a signal arrives, the terminal fails or something panics. `tty` is where
/// bytes for the terminal itself go (the backend's own output).
pub async fn run<B, E, S>(
    terminal: &mut Terminal<B>,
    tty: &mut dyn Write,
    inputs: &mut Inputs<E, S>,
    app: &mut App,
    effects: &mut Effects,
    clock: &SharedClock,
    kitty: &mut KittyImage,
) -> Ending
where
    B: Backend,
    E: Stream<Item = std::io::Result<TermEvent>> + Unpin,
    S: Stream<Item = Signal> + Unpin,
{
    match terminal.size() {
        Ok(size) => {
            let _ = effects.apply(app, Msg::Resize(size.width, size.height));
        }
        Err(error) => return Ending::TerminalFailed(format!("reading its size: {error}")),
    }
    let mut ticker = tokio::time::interval(TICK);
    let mut last_second = clock.now();
    let mut redraw = true;
    loop {
        // After a panic elsewhere (an effect's task, a blocking thread) nothing more is drawn: the exit
        // path takes over.
        if panic_watch::panicked() {
            return Ending::Panicked;
        }
        if redraw {
            let drawn = match terminal.draw(|frame| crate::ui::render(frame, app)) {
                Ok(frame) => kitty.after_draw(frame.buffer, tty),
                Err(error) => return Ending::TerminalFailed(format!("drawing: {error}")),
            };
            if let Err(error) = drawn {
                return Ending::TerminalFailed(format!("drawing: {error}"));
            }
        }
        redraw = false;
        let msg = tokio::select! {
            () = panic_watch::wait() => return Ending::Panicked,
            Some(signal) = inputs.signals.next() => {
                tracing::info!(signal = signal.name(), "ending on a signal");
                return Ending::Signal(signal);
            }
            event = inputs.events.next() => match event {
                Some(Ok(event)) => match message(event) {
                    Some(msg) => LoopMsg::App(msg),
                    None => continue,
                },
                Some(Err(error)) => return Ending::TerminalFailed(format!("reading events: {error}")),
                None => return Ending::TerminalClosed,
            },
            _ = ticker.tick() => {
                let now = clock.now();
                if now == last_second {
                    continue;
                }
                last_second = now;
                LoopMsg::App(Msg::Tick(now))
            }
            Some(msg) = inputs.answers.recv() => msg,
        };
        // Take every answer that is already in before drawing once: a burst of a thousand answers
        // (the Users screen filling in) costs one frame, not a thousand.
        let mut next = Some(msg);
        while let Some(msg) = next {
            match msg {
                LoopMsg::App(msg) => {
                    redraw = true;
                    if effects.apply(app, msg) == Flow::Quit {
                        return Ending::Quit;
                    }
                }
                LoopMsg::Connected {
                    ticket,
                    profile,
                    result,
                } => {
                    redraw = true;
                    let msg = effects.connected(ticket, profile, result);
                    if effects.apply(app, msg) == Flow::Quit {
                        return Ending::Quit;
                    }
                }
                LoopMsg::WriteTerminal(bytes) => {
                    if let Err(error) = tty.write_all(bytes.as_bytes()).and_then(|()| tty.flush()) {
                        return Ending::TerminalFailed(format!("writing: {error}"));
                    }
                }
            }
            next = inputs.answers.try_recv().ok();
        }
    }
}

/// The terminal events the app takes.
fn message(event: TermEvent) -> Option<Msg> {
    match event {
        #[cfg(debug_assertions)]
        TermEvent::Key(key) if test_panic::requested(&key) => {
            test_panic::panic_on_a_task();
            None
        }
        TermEvent::Key(key) => Some(Msg::Key(key)),
        TermEvent::Resize(cols, rows) => Some(Msg::Resize(cols, rows)),
        TermEvent::Paste(text) => Some(Msg::Paste(text)),
        _ => None,
    }
}

/// Debug builds only, for the end-to-end test of the panic path: with `IAM_MFA_TEST_PANIC_KEY` set,
/// F12 panics on an effect's task (where a bug in an IAM call would).
#[cfg(debug_assertions)]
mod test_panic {
    use crossterm::event::{KeyCode, KeyEvent};

    pub fn requested(key: &KeyEvent) -> bool {
        key.code == KeyCode::F(12) && std::env::var_os("IAM_MFA_TEST_PANIC_KEY").is_some()
    }

    pub fn panic_on_a_task() {
        tokio::spawn(async { panic!("F12 pressed with IAM_MFA_TEST_PANIC_KEY set") });
    }
}
