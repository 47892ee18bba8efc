//! What the state machine asks the runtime to do, and what comes back. The state machine never performs
//! I/O: it returns [`Effect`]s; the runtime carries them out and answers with a [`Response`] under the same
//! [`Ticket`], so a result for a screen the user has left can be recognised and dropped.
//! IAM requests and their replies are the IAM layer's [`Request`] and [`Reply`], generated from its
//! operation table.

use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::iam::IamResult;
use crate::iam::connect::{ConnectFailure, ProfileInfo};
pub use crate::iam::{Reply, Request};
pub use crate::secret_file::SaveError;

/// Identifies one request; unique for the life of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(pub u64);

/// Something the runtime must do.
pub enum Effect {
    Call {
        ticket: Ticket,
        request: Request,
    },
    /// Copy a secret to the clipboard (system clipboard or OSC 52); the runtime clears it after 30 s or at
    /// exit (the system clipboard only if it still holds the secret; OSC 52 unconditionally).
    Copy {
        ticket: Ticket,
        text: Zeroizing<String>,
    },
    /// Write a file the user asked for, owner-only (0600); `~` is the home directory. An existing file
    /// is replaced only with `overwrite`.
    Save {
        ticket: Ticket,
        path: PathBuf,
        contents: Zeroizing<Vec<u8>>,
        overwrite: bool,
    },
    /// List the profiles of the shared config files (answered with [`Response::Profiles`]).
    ListProfiles {
        ticket: Ticket,
    },
    /// Connect the whole app to another profile (answered with [`Response::Switched`]); the runtime
    /// keeps the current backend unless the new one answers.
    SwitchProfile {
        ticket: Ticket,
        profile: String,
    },
    Quit,
}

/// Copies and saves carry secrets: `Debug` shows where they go, never what they hold.
impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Call { ticket, request } => f
                .debug_struct("Call")
                .field("ticket", ticket)
                .field("request", request)
                .finish(),
            Self::Copy { ticket, .. } => f
                .debug_struct("Copy")
                .field("ticket", ticket)
                .field("text", &"<redacted>")
                .finish(),
            Self::Save { ticket, path, .. } => f
                .debug_struct("Save")
                .field("ticket", ticket)
                .field("path", path)
                .field("contents", &"<redacted>")
                .finish(),
            Self::ListProfiles { ticket } => f
                .debug_struct("ListProfiles")
                .field("ticket", ticket)
                .finish(),
            Self::SwitchProfile { ticket, profile } => f
                .debug_struct("SwitchProfile")
                .field("ticket", ticket)
                .field("profile", profile)
                .finish(),
            Self::Quit => f.write_str("Quit"),
        }
    }
}

/// The runtime's answer to an [`Effect`].
#[derive(Debug)]
pub enum Response {
    Iam(IamResult<Reply>),
    /// Where the text went ("system clipboard", "terminal (OSC 52)"), or why not.
    Copied(Result<String, String>),
    /// The path written (`~` expanded), or why not.
    Saved(Result<PathBuf, SaveError>),
    Profiles(Result<Vec<ProfileInfo>, ConnectFailure>),
    /// The app now calls through `profile`, described as `backend`; or why not (the old one stays).
    Switched(Result<Switched, ConnectFailure>),
}

/// A profile switch that took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    pub profile: String,
    pub backend: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_copied_or_saved_secret() {
        let copy = Effect::Copy {
            ticket: Ticket(1),
            text: Zeroizing::new("JBSWY3DPEHPK3PXP".into()),
        };
        let save = Effect::Save {
            ticket: Ticket(2),
            path: "/tmp/secret.txt".into(),
            contents: Zeroizing::new(b"JBSWY3DPEHPK3PXP".to_vec()),
            overwrite: false,
        };
        let shown = format!("{copy:?} {save:?}");
        assert!(!shown.contains("JBSWY3DP"), "{shown}");
        assert!(!shown.contains("74, 66, 83"), "{shown}");
        assert!(shown.contains("/tmp/secret.txt"));
    }
}
