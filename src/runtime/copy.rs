//! Copying a secret, and clearing it again: after [`clipboard::CLEAR_AFTER`], or at exit if that comes
//! first (the exit path calls [`clear_now`]). The system clipboard is cleared only if it still holds
//! what we copied; the terminal's (OSC 52) cannot be read, so that clear is unconditional.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;
use zeroize::Zeroizing;

use super::effects::LoopMsg;
use crate::clipboard::{self, Multiplexer};

/// The clear still owed for the latest copy. A newer copy replaces it, and the older copy's timer then
/// finds nothing of its own to clear.
#[derive(Clone, Default)]
pub struct PendingClear(Arc<Mutex<Pending>>);

#[derive(Default)]
struct Pending {
    generation: u64,
    clear: Option<Clear>,
}

enum Clear {
    /// Clear the system clipboard if it still holds this text.
    System(Zeroizing<String>),
    /// Send the OSC 52 clear sequence to the terminal.
    Terminal(Multiplexer),
}

impl PendingClear {
    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, clear: Clear) -> u64 {
        let mut pending = self.pending();
        pending.generation += 1;
        pending.clear = Some(clear);
        pending.generation
    }

    fn take_if(&self, generation: u64) -> Option<Clear> {
        let mut pending = self.pending();
        if pending.generation == generation {
            pending.clear.take()
        } else {
            None
        }
    }

    fn take(&self) -> Option<Clear> {
        self.pending().clear.take()
    }
}

/// Copies `text` (system clipboard, or OSC 52 through the terminal when there is none, e.g. over SSH)
/// and schedules its clear. Answers where it went, as the copy notice names it.
pub async fn copy_secret(
    text: Zeroizing<String>,
    tx: mpsc::UnboundedSender<LoopMsg>,
    pending: PendingClear,
) -> Result<String, String> {
    let env = clipboard::EnvSnapshot::from_process();
    let route = clipboard::choose_route(&env);
    let multiplexer = env.multiplexer();
    let copied = text.clone();
    let report = tokio::task::spawn_blocking(move || clipboard::copy(&copied, route, multiplexer))
        .await
        .map_err(|error| format!("the copy did not finish: {error}"))?;
    let (clear, place) = match report {
        clipboard::CopyReport::System => (Clear::System(text), clipboard::SYSTEM_PLACE),
        clipboard::CopyReport::Osc52 {
            sequence,
            system_error,
        } => {
            if let Some(error) = system_error {
                tracing::debug!(%error, "system clipboard unavailable; using OSC 52");
            }
            tx.send(LoopMsg::WriteTerminal(sequence))
                .map_err(|_| "the terminal is gone".to_string())?;
            (Clear::Terminal(multiplexer), clipboard::OSC52_PLACE)
        }
    };
    let generation = pending.set(clear);
    tokio::spawn(async move {
        tokio::time::sleep(clipboard::CLEAR_AFTER).await;
        match pending.take_if(generation) {
            Some(Clear::System(text)) => {
                let cleared =
                    tokio::task::spawn_blocking(move || clipboard::clear_if_unchanged(&text)).await;
                tracing::debug!(?cleared, "clipboard clear after timeout");
            }
            Some(Clear::Terminal(multiplexer)) => {
                let clear = Zeroizing::new(clipboard::osc52_clear(multiplexer).to_string());
                let _ = tx.send(LoopMsg::WriteTerminal(clear));
            }
            None => {}
        }
    });
    Ok(place.to_string())
}

/// At exit: the clear still owed, now. An OSC 52 clear is written to `tty`; a system clipboard clear
/// is bounded by [`clipboard::SYSTEM_TIMEOUT`].
pub async fn clear_now(pending: &PendingClear, tty: &mut dyn Write) -> io::Result<()> {
    match pending.take() {
        Some(Clear::System(text)) => {
            let cleared =
                tokio::task::spawn_blocking(move || clipboard::clear_if_unchanged(&text)).await;
            tracing::debug!(?cleared, "clipboard clear at exit");
            Ok(())
        }
        Some(Clear::Terminal(multiplexer)) => {
            tty.write_all(clipboard::osc52_clear(multiplexer).as_bytes())?;
            tty.flush()
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn exit_sends_the_terminal_clear_once_and_a_newer_copy_wins() {
        let pending = PendingClear::default();
        let first = pending.set(Clear::Terminal(Multiplexer::None));
        let second = pending.set(Clear::Terminal(Multiplexer::Tmux));
        assert!(
            pending.take_if(first).is_none(),
            "an older timer cleared a newer copy"
        );
        let mut tty = Vec::new();
        clear_now(&pending, &mut tty).await.unwrap();
        assert_eq!(tty, clipboard::osc52_clear(Multiplexer::Tmux).as_bytes());
        // Cleared at exit: the timer finds nothing left, and a second exit clear writes nothing.
        assert!(pending.take_if(second).is_none());
        let mut again = Vec::new();
        clear_now(&pending, &mut again).await.unwrap();
        assert!(again.is_empty());
    }
}
