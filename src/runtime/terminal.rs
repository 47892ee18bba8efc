//! The terminal while the app runs: raw mode, the alternate screen, bracketed paste (a paste arrives as
//! one text, so a newline in it does not act as Enter), the cursor hidden between frames. Restored
//! exactly once after entering, by whichever comes first: the exit path, the panic hook, or the guard's
//! drop. Only the first restore writes: leaving the alternate screen a second time would move the
//! cursor back over what was printed since (the exit report, a panic message).

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type AppTerminal = Terminal<CrosstermBackend<Stdout>>;

/// Set from the start of [`enter`] until the first [`restore`].
static ENTERED: AtomicBool = AtomicBool::new(false);

/// The terminal in the app's modes; restores them when dropped (e.g. while unwinding).
pub struct TerminalGuard {
    terminal: AppTerminal,
}

impl TerminalGuard {
    pub fn terminal(&mut self) -> &mut AppTerminal {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Switches the terminal to the app's modes. On failure whatever was switched is switched back.
pub fn enter() -> io::Result<TerminalGuard> {
    // Marked first, so that a failure half-way (or a panic) still restores what was changed.
    ENTERED.store(true, Ordering::SeqCst);
    let entered = enable_raw_mode()
        .and_then(|()| execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste))
        .and_then(|()| Terminal::new(CrosstermBackend::new(io::stdout())));
    match entered {
        Ok(terminal) => Ok(TerminalGuard { terminal }),
        Err(error) => {
            restore();
            Err(error)
        }
    }
}

/// Undoes [`enter`]; a no-op unless the terminal is entered. Errors are ignored: after SIGHUP the
/// terminal is gone and nothing can be written to it.
pub fn restore() {
    if !ENTERED.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}
