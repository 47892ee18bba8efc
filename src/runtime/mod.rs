//! The thin runtime: owns the terminal (entered raw, restored on quit, on panic and on signals), turns
//! terminal events and the clock into messages, and carries out the effects the state machine returns,
//! each on its own task, sending the result back as a message under the effect's ticket.

pub mod executor;

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;
use zeroize::Zeroizing;

use crate::app::{App, Effect, Msg, Response};
use crate::clipboard;
use crate::clock::SharedClock;
use crate::iam::Iam;

/// How often the clock is read for countdowns (a message is sent only when the second changes).
const TICK: Duration = Duration::from_millis(200);
/// How long teardown may spend removing what a half-finished flow created.
const CLEANUP_LIMIT: Duration = Duration::from_secs(10);

/// Messages into the loop: for the app, or for the terminal itself.
enum LoopMsg {
    App(Msg),
    /// Bytes for the terminal, e.g. an OSC 52 clipboard sequence.
    WriteTerminal(Zeroizing<String>),
}

/// Runs the app until it quits. The terminal is restored on every way out.
pub async fn run(
    mut app: App,
    initial: Vec<Effect>,
    iam: Arc<dyn Iam>,
    clock: SharedClock,
) -> io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let outcome = event_loop(&mut terminal, &mut app, initial, iam, clock).await;
    ratatui::restore();
    outcome
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    initial: Vec<Effect>,
    iam: Arc<dyn Iam>,
    clock: SharedClock,
) -> io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<LoopMsg>();
    let executor = Executor {
        iam: iam.clone(),
        tx: tx.clone(),
    };
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    for effect in initial {
        executor.run(effect);
    }
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(TICK);
    let mut last_second = clock.now();
    let mut signals = Signals::new()?;
    let mut redraw = true;
    loop {
        if redraw {
            terminal.draw(|frame| crate::ui::render(frame, app))?;
        }
        redraw = false;
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(TermEvent::Key(key))) => LoopMsg::App(Msg::Key(key)),
                Some(Ok(TermEvent::Resize(cols, rows))) => LoopMsg::App(Msg::Resize(cols, rows)),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error),
                None => break,
            },
            _ = ticker.tick() => {
                let now = clock.now();
                if now == last_second {
                    continue;
                }
                last_second = now;
                LoopMsg::App(Msg::Tick(now))
            }
            Some(msg) = rx.recv() => msg,
            signal = signals.next() => {
                tracing::info!(signal, "terminating on a signal");
                cleanup(app, iam.as_ref()).await;
                return Ok(());
            }
        };
        // Take every answer that is already in before drawing once: a burst of a thousand answers
        // (the Users screen filling in) costs one frame, not a thousand.
        let mut next = Some(msg);
        while let Some(msg) = next {
            match msg {
                LoopMsg::App(msg) => {
                    redraw = true;
                    if apply(app, &executor, msg) == Flow::Quit {
                        return Ok(());
                    }
                }
                LoopMsg::WriteTerminal(bytes) => {
                    let mut out = io::stdout().lock();
                    out.write_all(bytes.as_bytes())?;
                    out.flush()?;
                }
            }
            next = rx.try_recv().ok();
        }
    }
    Ok(())
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// Hands one message to the app and starts the effects it asks for.
fn apply(app: &mut App, executor: &Executor, msg: Msg) -> Flow {
    for effect in app.update(msg) {
        if matches!(effect, Effect::Quit) {
            return Flow::Quit;
        }
        executor.run(effect);
    }
    Flow::Continue
}

/// Sends the requests that leave nothing behind (e.g. deleting a device created but not enabled) when the
/// app is killed and cannot ask the user.
async fn cleanup(app: &App, iam: &dyn Iam) {
    for request in app.cleanup_requests() {
        let action = request.action();
        match tokio::time::timeout(CLEANUP_LIMIT, executor::execute(iam, request)).await {
            Ok(Ok(_)) => tracing::info!(action, "cleaned up on exit"),
            Ok(Err(error)) => tracing::warn!(action, %error, "cleanup on exit failed"),
            Err(_) => tracing::warn!(action, "cleanup on exit timed out"),
        }
    }
}

/// Carries out effects on tasks of their own and reports back through the loop's channel.
#[derive(Clone)]
struct Executor {
    iam: Arc<dyn Iam>,
    tx: mpsc::UnboundedSender<LoopMsg>,
}

impl Executor {
    fn run(&self, effect: Effect) {
        let tx = self.tx.clone();
        let answer = move |ticket, response| {
            // The loop may have ended; then nobody is waiting for the answer.
            let _ = tx.send(LoopMsg::App(Msg::Response(ticket, response)));
        };
        match effect {
            Effect::Call { ticket, request } => {
                let iam = self.iam.clone();
                tokio::spawn(async move {
                    let result = executor::execute(iam.as_ref(), request).await;
                    answer(ticket, Response::Iam(result));
                });
            }
            Effect::Copy { ticket, text } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = crate::runtime::copy_secret(text, tx).await;
                    answer(ticket, Response::Copied(result));
                });
            }
            Effect::Save {
                ticket,
                path,
                contents,
            } => {
                tokio::task::spawn_blocking(move || {
                    let result = crate::secret_file::write_owner_only(&path, &contents, false)
                        .map(|()| path)
                        .map_err(|error| error.to_string());
                    answer(ticket, Response::Saved(result));
                });
            }
            Effect::Quit => {}
        }
    }
}

/// SIGTERM, SIGHUP (the SSH connection dropped) and SIGINT from outside the terminal.
struct Signals {
    term: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.hangup.recv() => "SIGHUP",
            _ = self.interrupt.recv() => "SIGINT",
        }
    }
}

/// Copies a secret (system clipboard, or OSC 52 through the terminal when there is none, e.g. over SSH)
/// and clears it after [`clipboard::CLEAR_AFTER`] if it is still what we copied. Answers where it went.
async fn copy_secret(
    text: Zeroizing<String>,
    tx: mpsc::UnboundedSender<LoopMsg>,
) -> Result<String, String> {
    let env = clipboard::EnvSnapshot::from_process();
    let route = clipboard::choose_route(&env);
    let multiplexer = env.multiplexer();
    let copied = text.clone();
    let report = tokio::task::spawn_blocking(move || clipboard::copy(&copied, route, multiplexer))
        .await
        .map_err(|error| format!("the copy did not finish: {error}"))?;
    let place = match report {
        clipboard::CopyReport::System => {
            tokio::spawn(async move {
                tokio::time::sleep(clipboard::CLEAR_AFTER).await;
                let cleared =
                    tokio::task::spawn_blocking(move || clipboard::clear_if_unchanged(&text)).await;
                tracing::debug!(?cleared, "clipboard clear after timeout");
            });
            "system clipboard".to_string()
        }
        clipboard::CopyReport::Osc52 {
            sequence,
            system_error,
        } => {
            if let Some(error) = system_error {
                tracing::debug!(%error, "system clipboard unavailable; using OSC 52");
            }
            tx.send(LoopMsg::WriteTerminal(sequence))
                .map_err(|_| "the terminal is gone".to_string())?;
            tokio::spawn(async move {
                tokio::time::sleep(clipboard::CLEAR_AFTER).await;
                // A terminal cannot be asked what its clipboard holds, so the clear is unconditional.
                let clear = Zeroizing::new(clipboard::osc52_clear(multiplexer).to_string());
                let _ = tx.send(LoopMsg::WriteTerminal(clear));
            });
            "terminal's clipboard (OSC 52)".to_string()
        }
    };
    Ok(place)
}
