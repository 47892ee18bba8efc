//! The signals that end the app: each is caught, so that the exit path cleans up and restores the
//! terminal, and the process then exits with 128 + the signal's number, as a shell reports a process
//! the signal killed (it is not re-raised: SIGQUIT's default action would dump core, and the memory of
//! this process may hold a seed).

use std::io;
use std::pin::Pin;

use futures::Stream;
use tokio::signal::unix::{SignalKind, signal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGTERM: a service manager, `kill`.
    Terminate,
    /// SIGHUP: the terminal (an SSH connection) went away.
    Hangup,
    /// SIGINT from outside: in raw mode Ctrl-C is a key, handled by the app.
    Interrupt,
    /// SIGQUIT from outside (Ctrl-\ is a key in raw mode too).
    Quit,
}

impl Signal {
    pub const ALL: [Signal; 4] = [Self::Terminate, Self::Hangup, Self::Interrupt, Self::Quit];

    fn kind(self) -> SignalKind {
        match self {
            Self::Terminate => SignalKind::terminate(),
            Self::Hangup => SignalKind::hangup(),
            Self::Interrupt => SignalKind::interrupt(),
            Self::Quit => SignalKind::quit(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Terminate => "SIGTERM",
            Self::Hangup => "SIGHUP",
            Self::Interrupt => "SIGINT",
            Self::Quit => "SIGQUIT",
        }
    }

    pub fn number(self) -> i32 {
        self.kind().as_raw_value()
    }

    /// The exit status after this signal: 128 + its number.
    pub fn exit_code(self) -> u8 {
        u8::try_from(128 + self.number()).unwrap_or(u8::MAX)
    }
}

pub type SignalStream = Pin<Box<dyn Stream<Item = Signal> + Send>>;

/// Catches every signal in [`Signal::ALL`] from now on, for the life of the process (tokio keeps its
/// handlers installed). The stream yields each one as it arrives.
pub fn catch() -> io::Result<SignalStream> {
    let streams = Signal::ALL
        .into_iter()
        .map(|which| {
            let caught = signal(which.kind())?;
            let stream = futures::stream::unfold(caught, move |mut caught| async move {
                caught.recv().await.map(|()| (which, caught))
            });
            Ok(Box::pin(stream) as SignalStream)
        })
        .collect::<io::Result<Vec<_>>>()?;
    Ok(Box::pin(futures::stream::select_all(streams)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_number() {
        let codes: Vec<u8> = Signal::ALL.iter().map(|s| s.exit_code()).collect();
        assert_eq!(codes, [143, 129, 130, 131]);
    }
}
